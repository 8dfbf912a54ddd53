package dev.tracegate.gateway.testsupport;

import java.io.IOException;
import java.net.CookieHandler;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.CookieStore;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A browser for sign-in tests: a cookie jar, no automatic redirects, and Keycloak's login form filled in. */
public final class Browser {

    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"");

    private final LoopbackCookies cookies = new LoopbackCookies();
    private final HttpClient client = HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    public HttpClient client() {
        return client;
    }

    /** GET with {@code Accept: text/html} and any extra header pairs (name, value, name, value...). */
    public HttpResponse<String> get(String url, String... headers) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).GET(), headers);
    }

    /** POST of a form ({@code application/x-www-form-urlencoded}) with any extra header pairs, as {@link #get}. */
    public HttpResponse<String> postForm(String url, String form, String... headers)
            throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)), headers);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String[] headers)
            throws IOException, InterruptedException {
        request.timeout(Duration.ofSeconds(30)).header("Accept", "text/html");
        for (int i = 0; i < headers.length; i += 2) {
            request.setHeader(headers[i], headers[i + 1]);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Gives each cookie of the jar whose name starts with {@code namePrefix} another value, as in a browser holding
     * a cookie the server can no longer read (its key changed). Answers how many it changed.
     */
    public int overwriteCookies(String url, String namePrefix, String value) {
        CookieStore store = cookies.jar.getCookieStore();
        int changed = 0;
        for (HttpCookie cookie : List.copyOf(store.getCookies())) {
            if (cookie.getName().startsWith(namePrefix)) {
                HttpCookie overwritten = (HttpCookie) cookie.clone();
                overwritten.setValue(value);
                store.remove(null, cookie);
                store.add(URI.create(url), overwritten);
                changed++;
            }
        }
        return changed;
    }

    /** Keycloak's login form, if the page is one; else {@code null}. */
    public static String loginFormAction(String page) {
        Matcher action = FORM_ACTION.matcher(page);
        return action.find() ? action.group(1).replace("&amp;", "&") : null;
    }

    /** Submits Keycloak's login form as the user; answers the redirect back to the application. */
    public HttpResponse<String> submitLogin(String formAction, String username) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(formAction))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + username + "&password="
                        + KeycloakTestResource.password(username) + "&credentialId="))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The decoded value of a query parameter of the URL, e.g. the {@code scope} a sign-in asks the issuer for. */
    public static String queryParameter(String url, String name) {
        String query = URI.create(url).getRawQuery();
        for (String pair : query == null ? new String[0] : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    public static String location(HttpResponse<?> response) {
        return response.headers().firstValue("Location").orElseThrow(() -> new AssertionError("no Location"));
    }

    /**
     * A browser's cookie jar: browsers treat 127.0.0.1 as a secure context and send cookies marked Secure there
     * (Keycloak marks its own so); java.net's CookieManager does not, so this one drops the flag for loopback.
     */
    private static final class LoopbackCookies extends CookieHandler {
        private final CookieManager jar = new CookieManager(null, CookiePolicy.ACCEPT_ALL);

        @Override
        public Map<String, List<String>> get(URI uri, Map<String, List<String>> headers) throws IOException {
            return jar.get(uri, headers);
        }

        @Override
        public void put(URI uri, Map<String, List<String>> headers) throws IOException {
            Map<String, List<String>> insecure = new HashMap<>(headers);
            insecure.computeIfPresent("Set-Cookie", (k, values) -> values.stream()
                    .map(v -> v.replaceAll("(?i);\\s*Secure", "")).toList());
            insecure.computeIfPresent("set-cookie", (k, values) -> values.stream()
                    .map(v -> v.replaceAll("(?i);\\s*Secure", "")).toList());
            jar.put(uri, insecure);
        }
    }
}
