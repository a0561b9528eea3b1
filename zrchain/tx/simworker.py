"""Entry point of a simulation worker process (see ``zrchain.tx.simulation``).

    python -m zrchain.tx.simworker <inherited socket fd> <module:factory of the app's modules>
"""

from __future__ import annotations

import sys

from zrchain.tx.simulation import serve

if __name__ == "__main__":
    serve(int(sys.argv[1]), sys.argv[2])
