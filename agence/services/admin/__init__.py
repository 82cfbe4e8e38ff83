"""Administration: sign-in and sessions, passwords, users, profiles and their rights, the audit
log.
"""
