package dev.tracegate.provisioner.kube;

/** How many objects one list call asks the API server for, where a page could otherwise be the heap. */
public final class ListPages {
    /**
     * Objects labelled as the provisioner's (Secrets, Ingresses, Routes): anyone who may create one in a watched
     * namespace may label it, and an object may take 1.5 MiB. Ten keep a page at some 15 MiB; a thousand tenants'
     * Secrets take a hundred calls.
     */
    public static final long LABELLED = 10;

    private ListPages() {
    }
}
