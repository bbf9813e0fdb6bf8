# Wrong on purpose: a server that prints without end and never listens. The checker must keep
# its memory bounded (the last lines, not gigabytes) and give up at its deadline.
line = 'debug ' * 20
while True:
    print(line)
