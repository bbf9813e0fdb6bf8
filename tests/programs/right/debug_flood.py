# Right, and loud: runs the exercise given as the first argument, while a thread prints
# $FLOOD_MB megabytes of debug lines (100 bytes each) to stdout, as a student's server full of
# print() calls does. benches/check-flood.sh times `check` on it against $FLOOD_MB=0.
import os
import sys
import threading

MB = int(os.environ.get('FLOOD_MB', '10'))


def flood():
    line = 'debug: ' + 'x' * 92
    for i in range(MB * 10000):
        print(line)


threading.Thread(target=flood, daemon=True).start()
server = sys.argv[1]
sys.argv = sys.argv[1:]
exec(compile(open(server, encoding='utf8').read(), server, 'exec'))
