clean = True
