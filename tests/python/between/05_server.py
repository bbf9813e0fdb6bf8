# A good lesson 05 server for `between`: frames [4-byte little-endian length][body], read
# however the stream is cut. Unlike tests/python/exercises/05_server.py (recv_exact, a loop
# per field), it keeps one buffer: whatever recv returns is appended, and every whole frame
# at its front is taken off and printed. A part of a frame waits in the buffer for the rest.
# The port: $PORT (between sets it), else 8080.
# Run: socket-lessons between 5 --server "python3 tests/python/between/05_server.py" --compare
import os
import socket
import struct
import sys

LIMIT = 64 * 1024

server = socket.socket()
server.bind(('127.0.0.1', int(os.environ.get('PORT', '8080'))))
server.listen(5)
print('listening on 127.0.0.1:%d' % server.getsockname()[1])
conn, addr = server.accept()
buffer = b''
while True:
    chunk = conn.recv(1024)
    if len(chunk) == 0:
        break
    buffer += chunk
    while len(buffer) >= 4:
        length = struct.unpack('<i', buffer[:4])[0]
        if length < 0 or length > LIMIT:
            sys.exit('refused: a length of %d' % length)
        if len(buffer) < 4 + length:
            break
        body, buffer = buffer[4:4 + length], buffer[4 + length:]
        print(repr(body.decode('utf8', 'replace')))
if buffer:
    sys.exit('the connection closed inside a frame: %d bytes left over' % len(buffer))
print('the client closed between two frames')
conn.close()
server.close()
