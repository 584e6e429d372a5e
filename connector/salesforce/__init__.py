"""Everything that talks to Salesforce: the client (given a session and a refresh callback; no model:
connector.connection_client builds it for a stored connection), OAuth, the one sorting of its answers."""
