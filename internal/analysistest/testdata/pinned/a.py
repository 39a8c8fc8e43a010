x = 1  # BAD  want: test/bad@high "^bad$"
y = 2  # BAD  want: test/bad@low
z = 3  # BAD  want: test/bad "^good$"
