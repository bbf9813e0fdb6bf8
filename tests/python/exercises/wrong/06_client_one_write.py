# Wrong on purpose, for 06.client.one-write: reads until the header is whole, then throws away
# whatever came with it, so the file's first bytes are lost when they share the header's read.
import json
import os
import socket
import struct
import sys

client = socket.socket()
client.connect(('127.0.0.1', int(os.environ.get('PORT', '8080'))))
buf = b''
while len(buf) < 4 or len(buf) < 4 + struct.unpack('<i', buf[:4])[0]:
    chunk = client.recv(1024)
    if len(chunk) == 0:
        sys.exit('the server closed inside the header')
    buf += chunk
length = struct.unpack('<i', buf[:4])[0]
header = json.loads(buf[4:4 + length].decode('utf8'))
name = header['file_name']
size = header['file_size']
if name in ('', '.', '..') or os.path.basename(name) != name or '\\' in name or os.path.isabs(name):
    sys.exit('refused: %r is not a plain file name' % name)
recv_size = 0
with open(name, 'wb') as f:
    while recv_size < size:
        data = client.recv(min(1024, size - recv_size))
        if len(data) == 0:
            sys.exit('the server closed after %d of %d bytes' % (recv_size, size))
        recv_size += len(data)
        f.write(data)
client.close()
