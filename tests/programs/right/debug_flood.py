# Right, and loud: runs the exercise given as the first argument after printing $FLOOD_MB
# megabytes of debug lines (100 bytes each), and one more debug line before each of its own
# prints, as a student's server full of print() calls does. The checker reads every line of
# it for the port and the messages. benches/check-flood.sh times it against $FLOOD_MB=0.
import builtins
import os
import sys

MB = int(os.environ.get('FLOOD_MB', '10'))
DEBUG = 'debug: ' + 'x' * 92 + '\n'
chunk = DEBUG * 10000
for _ in range(MB):
    sys.stdout.write(chunk)
sys.stdout.flush()

_print = builtins.print


def print(*args, **kwargs):
    if MB:
        sys.stdout.write(DEBUG)
    _print(*args, **kwargs)


builtins.print = print
server = sys.argv[1]
sys.argv = sys.argv[1:]
exec(compile(open(server, encoding='utf8').read(), server, 'exec'))
