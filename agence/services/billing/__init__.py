"""Invoicing and money: invoices (drafts, issuing, numbering), Factur-X, payments, unpaid,
outstanding, Chorus Pro.
"""
