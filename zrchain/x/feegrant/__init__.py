"""x/feegrant: fee allowances a granter gives a grantee (``cosmos.feegrant.v1beta1``)."""
