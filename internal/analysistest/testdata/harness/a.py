x = 1  # BAD  want: test/bad
y = 2  # want: test/bad
# want-next: test/bad
z = 3  # BAD
w = 4  # BAD
