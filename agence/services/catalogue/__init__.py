"""The services catalogue: products and their rates, client prices, VAT, costings, catalogue
dossiers.
"""
