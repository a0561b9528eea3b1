from zrchain.cli.main import main

main()
