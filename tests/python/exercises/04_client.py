# Lesson 04's exercise, the client: three sends, back to back, then close.
import os
import socket

client = socket.socket()
client.connect(('127.0.0.1', int(os.environ.get('PORT', '8080'))))
client.send(b'1234567')
client.send(b'abcde')
client.send(b'hhhhh')
client.close()
