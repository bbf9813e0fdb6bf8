# Wrong in a way no check sees, on purpose: lesson 03's server that starts a helper process which
# runs for a minute and prints its pid. The checker must end it with the program (a process
# group on Unix): the test looks for that pid once `check` has returned.
import subprocess
import sys

helper = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])
print('helper pid %d' % helper.pid, flush=True)
exec(open(sys.argv[1], encoding='utf8').read())
