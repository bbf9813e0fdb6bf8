# Lesson 05's exercise, the server: one client; read frames [4-byte little-endian length][body]
# until it closes between two frames, and print each body. recv(n) may return fewer than n
# bytes, so recv_exact loops; a close inside a frame, or a length below 0 or over 64 KiB, is
# refused with one line and the connection closed.
import os
import socket
import struct
import sys

LIMIT = 64 * 1024


def recv_exact(sock, n):
    data = b''
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if len(chunk) == 0:
            break
        data += chunk
    return data


server = socket.socket()
server.bind(('127.0.0.1', int(os.environ.get('PORT', '8080'))))
server.listen(5)
print('listening on 127.0.0.1:%d' % server.getsockname()[1])
conn, addr = server.accept()
while True:
    header = recv_exact(conn, 4)
    if len(header) == 0:
        break
    if len(header) < 4:
        sys.exit('the connection closed inside a length: %d of 4 bytes' % len(header))
    length = struct.unpack('<i', header)[0]
    if length < 0 or length > LIMIT:
        sys.exit('refused: a length of %d' % length)
    body = recv_exact(conn, length)
    if len(body) < length:
        sys.exit('the connection closed inside a frame: %d of %d bytes' % (len(body), length))
    print(body.decode('utf8', 'replace'))
conn.close()
server.close()
