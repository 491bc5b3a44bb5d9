"""Pages of the transcripts (filled in with the transcripts part)."""


def class_transcript_context(user, school_class) -> dict:
    return {}


def student_transcript_context(user, student) -> dict:
    return {}
