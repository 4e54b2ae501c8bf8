"""Card profiles as JSON data files (see card_reader.profile)."""
