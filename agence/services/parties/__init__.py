"""Third parties: clients and prospects, suppliers, their contacts, addresses and files, segments,
CRM, imports.
"""
