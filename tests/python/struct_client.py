# A client built from the material's struct section (解决黏包问题): for each of lesson 04's
# messages and the section's title 黏包问题 (4 characters, 12 bytes: the length counts bytes),
# struct.pack('i', length) sent first, then the message, in two sends, as the
# material's 最终方案 sends its header and then its data.
# The port comes from the command line.
# Run: python3 struct_client.py 8080
import socket
import struct
import sys

client = socket.socket()
client.connect(('127.0.0.1', int(sys.argv[1])))
for data in [b'1234567', b'abcde', b'hhhhh', '黏包问题'.encode('utf8')]:
    header = struct.pack('i', len(data))
    client.send(header)
    client.send(data)
client.close()
