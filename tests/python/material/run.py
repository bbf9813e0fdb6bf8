# Runs one of the material's programs unchanged, as `check` starts a student's program:
#   python3 run.py 06_client.py
# The material hard-codes port 8080 and the file '04 struct模块.py'. So that tests can run in
# parallel on ports the system picks, this wrapper (not the program) changes two things:
# - a bind or connect to port 8080 goes to $PORT instead, and a server says where it listens
#   (`listening on 127.0.0.1:PORT`) once listen() returns, which is how `check --port 0`
#   learns a server's port;
# - the file the checker gives ($FILE) is copied to '04 struct模块.py' in the working folder.
# Everything else is the material's program, line for line.
import os
import runpy
import shutil
import socket
import sys

PORT = int(os.environ.get('PORT', '8080'))
_bind, _connect, _listen = socket.socket.bind, socket.socket.connect, socket.socket.listen


def _port(addr):
    if isinstance(addr, tuple) and len(addr) >= 2 and addr[1] == 8080:
        return (addr[0], PORT) + tuple(addr[2:])
    return addr


def bind(self, addr):
    return _bind(self, _port(addr))


def connect(self, addr):
    return _connect(self, _port(addr))


def listen(self, *args):
    result = _listen(self, *args)
    host, port = self.getsockname()[:2]
    print('listening on %s:%d' % (host, port), flush=True)
    return result


socket.socket.bind = bind
socket.socket.connect = connect
socket.socket.listen = listen
if os.environ.get('FILE'):
    shutil.copy(os.environ['FILE'], '04 struct模块.py')
script = os.path.abspath(sys.argv[1])
sys.argv = sys.argv[1:]
runpy.run_path(script, run_name='__main__')
