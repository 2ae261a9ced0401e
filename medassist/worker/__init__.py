"""The background worker (`medassist worker`): one loop over the database that runs the
reminders' and the waitlist's due jobs. It sits above both, so neither imports the other."""
