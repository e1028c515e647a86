URL_ROWS = {}
