"""Everything that talks to Salesforce: the client (`client_for_connection`), OAuth, one error taxonomy."""
