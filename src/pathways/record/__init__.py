"""The case's record: what each organisation recorded, step by step, and who may read it.

Contract:
- Completing a task with a form stores its answers as a record entry (`record_step`);
  the engine still receives the data unchanged. Visibility is about people.
- A field with `x-kept-if` is kept only when the form's other answers meet its condition;
  otherwise it is dropped before the engine or the record sees it (`keeping`).
- Each form field says who may read it besides the recording organisation with the JSON
  Schema keyword `x-share` (organisation kinds, or "team" for the statutory case team);
  the default is the recording organisation only (`sharing`).
- Kinds outside the statutory team (third sector, education provider, Kela) read shared
  fields, other steps and the timeline only under the client's recorded, unwithdrawn
  consent (`consents`, `visibility`).
- Every read of record contents writes an audit event with its purpose.
- A correction keeps the earlier values and is allowed only while nothing could have
  acted on them (`corrections`).
"""
