"""In-site notifications and the email digest, which every app above may send."""
