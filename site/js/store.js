// Nothing lost on reload: the reader's trained models and settings live in localStorage.
// Every call is guarded: private windows or full storage make saving fail, and then the page
// says "not saved" instead of breaking.

const PREFIX = "pytoy:";

export function save(key, value) {
  try {
    localStorage.setItem(PREFIX + key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

export function load(key) {
  try {
    const raw = localStorage.getItem(PREFIX + key);
    return raw === null ? null : JSON.parse(raw);
  } catch {
    return null;
  }
}

export function forget(key) {
  try {
    localStorage.removeItem(PREFIX + key);
    return true;
  } catch {
    return false;
  }
}

/** Whether `key` is stored (without parsing it: a checkpoint is a megabyte of text). */
export function has(key) {
  try {
    return localStorage.getItem(PREFIX + key) !== null;
  } catch {
    return false;
  }
}
