# Lesson 05's exercise, the client: four messages, each behind struct.pack('<i', length), where
# the length counts bytes: 黏包问题 is 4 characters and 12 bytes.
import os
import socket
import struct

client = socket.socket()
client.connect(('127.0.0.1', int(os.environ.get('PORT', '8080'))))
for text in ['1234567', 'abcde', 'hhhhh', '黏包问题']:
    data = text.encode('utf8')
    client.sendall(struct.pack('<i', len(data)) + data)
client.close()
