/** Where a pull fetches a remote's branches before they are checked: refs/hacktree/incoming/REMOTE/BRANCH. */
export const INCOMING_REF_PREFIX = 'refs/hacktree/incoming/';
