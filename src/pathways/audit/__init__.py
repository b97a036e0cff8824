"""The audit and access log: append only; reads of client data are recorded, not only writes."""
