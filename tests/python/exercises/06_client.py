# Lesson 06's exercise, the client: receive one file and save it in the folder it runs in, under
# the header's name, only if that is a plain name. Exactly file_size bytes, never more; a server
# that closes early is an error, not a loop forever.
import json
import os
import socket
import struct
import sys

LIMIT = 64 * 1024


def recv_exact(sock, n):
    data = b''
    while len(data) < n:
        chunk = sock.recv(min(n - len(data), 65536))
        if len(chunk) == 0:
            sys.exit('the server closed after %d of %d bytes' % (len(data), n))
        data += chunk
    return data


client = socket.socket()
client.connect(('127.0.0.1', int(os.environ.get('PORT', '8080'))))
length = struct.unpack('<i', recv_exact(client, 4))[0]
if length <= 0 or length > LIMIT:
    sys.exit('refused: a header of %d bytes' % length)
header = json.loads(recv_exact(client, length).decode('utf8'))
print(header)
name = header['file_name']
size = header['file_size']
if name in ('', '.', '..') or os.path.basename(name) != name or '\\' in name or os.path.isabs(name):
    sys.exit('refused: %r is not a plain file name' % name)
recv_size = 0
with open(name + '.part', 'wb') as f:
    while recv_size < size:
        data = client.recv(min(1024, size - recv_size))
        if len(data) == 0:
            f.close()
            os.remove(name + '.part')
            sys.exit('the server closed after %d of %d bytes' % (recv_size, size))
        recv_size += len(data)
        f.write(data)
os.replace(name + '.part', name)
client.close()
