# Lesson 06's exercise, the server: one client; send the file $FILE (or the first argument)
# behind a JSON header behind a 4-byte little-endian length, then close.
import json
import os
import socket
import struct
import sys

path = sys.argv[1] if len(sys.argv) > 1 else os.environ['FILE']
server = socket.socket()
server.bind(('127.0.0.1', int(os.environ.get('PORT', '8080'))))
server.listen(5)
print('listening on 127.0.0.1:%d' % server.getsockname()[1])
sock, addr = server.accept()
header = {
    'file_name': os.path.basename(path),
    'file_desc': 'sent by the exercise 练习',
    'file_size': os.path.getsize(path),
}
header_bytes = json.dumps(header).encode('utf8')
sock.sendall(struct.pack('<i', len(header_bytes)))
sock.sendall(header_bytes)
with open(path, 'rb') as f:
    for line in f:
        sock.sendall(line)
sock.close()
server.close()
