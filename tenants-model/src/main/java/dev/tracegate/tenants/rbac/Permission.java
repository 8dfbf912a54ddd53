package dev.tracegate.tenants.rbac;

/** What a request does to a tenant's traces: {@code read} queries them, {@code write} pushes spans or overrides. */
public enum Permission {
    READ("read"),
    WRITE("write");

    private final String wireName;

    Permission(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in {@code roles[].permissions}. */
    public String wireName() {
        return wireName;
    }

    public static Permission fromWireName(String name) {
        for (Permission p : values()) {
            if (p.wireName.equals(name)) {
                return p;
            }
        }
        return null;
    }
}
