# A good lesson 05 client for `between`: four frames [4-byte little-endian length][body],
# written three ways on purpose (a length and its body apart, one frame whole, two frames in
# one send), so the writes a relay reads are not the frames. sendall, never send: send may
# take only part of what it is given.
# The port: $PORT (between sets it), else 8080.
# Run: socket-lessons between 5 --client "python3 tests/python/between/05_client.py" --compare
import os
import socket
import struct


def frame(text):
    data = text.encode('utf8')
    return struct.pack('<i', len(data)) + data


client = socket.socket()
client.connect(('127.0.0.1', int(os.environ.get('PORT', '8080'))))
first = frame('1234567')
client.sendall(first[:4])
client.sendall(first[4:])
client.sendall(frame('abcde'))
client.sendall(frame('hhhhh') + frame('黏包问题'))
client.close()
