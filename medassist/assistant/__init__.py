"""The patient-facing assistant (portal chat, SMS, voice, terminal) and the staff inbox."""
