//! Windows has no process group to end at once: a job object holds the program, and every
//! process it starts is put in the same job; ending the job ends them all.

use std::os::windows::io::AsRawHandle;
use std::process::Child;

use windows_sys::Win32::Foundation::{CloseHandle, HANDLE};
use windows_sys::Win32::System::JobObjects::{
    AssignProcessToJobObject, CreateJobObjectW, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION, JobObjectExtendedLimitInformation,
    SetInformationJobObject, TerminateJobObject,
};

/// The job's handle, kept as a number: a handle may be used from any thread, and a raw
/// pointer would keep `Program` on one (`between` watches it from another).
pub struct Job(usize);

impl Job {
    /// A new job holding `child`; `None` if Windows refused (the program then runs
    /// without one, and only it is ended).
    pub fn hold(child: &Child) -> Option<Job> {
        // SAFETY: no security attributes and no name (two null pointers) are allowed; the
        // handle is checked before use and closed once, by `end`.
        unsafe {
            let job = CreateJobObjectW(std::ptr::null(), std::ptr::null());
            if job.is_null() {
                return None;
            }
            // Closing the last handle ends the job too: nothing outlives the checker.
            let mut limits = JOBOBJECT_EXTENDED_LIMIT_INFORMATION::default();
            limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
            SetInformationJobObject(
                job,
                JobObjectExtendedLimitInformation,
                (&raw const limits).cast(),
                size_of::<JOBOBJECT_EXTENDED_LIMIT_INFORMATION>() as u32,
            );
            AssignProcessToJobObject(job, child.as_raw_handle() as HANDLE);
            Some(Job(job as usize))
        }
    }

    /// End every process of the job.
    pub fn end(self) {
        // SAFETY: the handle came from CreateJobObjectW and is closed here only.
        unsafe {
            TerminateJobObject(self.0 as HANDLE, 1);
            CloseHandle(self.0 as HANDLE);
        }
    }
}
