"""Mail: the daily digest to managers and notices to caseworkers.

Contract: services only queue mail (`outgoing_mail` rows, written in the caller's
transaction, so a rolled-back change sends nothing); `delivery.deliver` sends the
queue through SMTP after commit, outside any transaction. Nothing is queued while
`PATHWAYS_SMTP__HOST` is unset.
"""
