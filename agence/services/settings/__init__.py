"""Parameters: agency sites, payment methods and terms, VAT rates, product and dossier types, mail
server.
"""
