"""Notes and attachments on a case or on one of its steps.

Key contracts:
- Notes and attachments are immutable once written; a correction is a new note that
  names the one it corrects (`corrects`).
- Who may see one is decided by `notes.visibility.may_see` alone; every list, page and
  download asks it, after the case-level check, before anything of the case is answered.
- An attachment's bytes live outside the database, in the attachments folder under
  their SHA-256 (`notes.storage`); its type is sniffed from the bytes (`notes.sniffing`)
  and it is only ever served as a download.
- Every read (a list of notes, a download) is audited with actor, case and purpose.
"""
