# Wrong on purpose, for 05.server.one-write: frames gathered in a buffer, but once a frame is
# printed the buffer is emptied, so the frames that came in the same read are thrown away.
import os
import socket
import struct
import sys

server = socket.socket()
server.bind(('127.0.0.1', int(os.environ.get('PORT', '8080'))))
server.listen(5)
print('listening on 127.0.0.1:%d' % server.getsockname()[1])
conn, addr = server.accept()
buf = b''
while True:
    chunk = conn.recv(1024)
    if len(chunk) == 0:
        break
    buf += chunk
    if len(buf) >= 4:
        length = struct.unpack('<i', buf[:4])[0]
        if length < 0 or length > 64 * 1024:
            sys.exit('refused: a length of %d' % length)
        if len(buf) >= 4 + length:
            print(buf[4:4 + length].decode('utf8', 'replace'))
            buf = b''
conn.close()
