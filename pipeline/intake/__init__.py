"""Intake: a file becomes page text. Detect what the file is, read its text layer (laid out by position), OCR the
pages that have none; nothing here touches the database."""
