package dev.tracegate.provisioner.status;

import java.util.List;

/** Names in a message (an Event, a log line) that stays short whatever their number. */
public final class Listing {

    private Listing() {
    }

    /** The first {@code shown} items joined by {@code separator}, the rest counted: "a, b and 980 more". */
    public static String firstOf(List<String> items, int shown, String separator) {
        return items.size() <= shown ? String.join(separator, items)
                : String.join(separator, items.subList(0, shown)) + " and " + (items.size() - shown) + " more";
    }
}
