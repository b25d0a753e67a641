package io.punchline.transfer;

/** What a manifest entry is. Anything else (a symlink, a device) has no code and is refused. */
public enum EntryKind {
    FILE(0), DIRECTORY(1);

    private final int code;

    EntryKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The kind with this wire code, or null. */
    public static EntryKind of(long code) {
        for (EntryKind kind : values()) {
            if (kind.code == code) {
                return kind;
            }
        }
        return null;
    }
}
