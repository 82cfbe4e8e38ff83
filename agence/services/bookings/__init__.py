"""Dossiers: lifecycle, programme, supplier side, participants, guides, availability, planning,
board, surveys.
"""
