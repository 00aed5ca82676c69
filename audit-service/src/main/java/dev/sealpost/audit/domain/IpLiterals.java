package dev.sealpost.audit.domain;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * IP address literals and CIDR blocks, parsed without ever touching DNS: a string is handed to
 * {@link InetAddress#getByName} only after it has the exact shape of a literal (for which the JDK
 * does no lookup).
 */
public final class IpLiterals {

    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    /** A CIDR block, e.g. 10.0.0.0/8 or 2001:db8::/32. */
    public record Cidr(InetAddress network, int prefixLength) {
        @Override
        public String toString() {
            return network.getHostAddress() + "/" + prefixLength;
        }
    }

    private IpLiterals() {
    }

    /** The address if the value is an IPv4 or IPv6 literal, otherwise empty. */
    public static Optional<InetAddress> parse(String value) {
        if (value == null || value.length() > 45) {
            return Optional.empty();
        }
        boolean v4 = IPV4.matcher(value).matches();
        boolean v6 = !v4 && value.indexOf(':') >= 0 && IPV6.matcher(value).matches();
        if (!v4 && !v6) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(v6 ? "[" + value + "]" : value));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** A CIDR block; empty if the value is not one (bad address, prefix out of range). */
    public static Optional<Cidr> parseCidr(String value) {
        int slash = value == null ? -1 : value.indexOf('/');
        if (slash < 0 || value.length() > 49) {
            return Optional.empty();
        }
        String prefix = value.substring(slash + 1);
        if (!prefix.matches("\\d{1,3}")) {
            return Optional.empty();
        }
        int length = Integer.parseInt(prefix);
        return parse(value.substring(0, slash))
                .filter(address -> length <= address.getAddress().length * 8)
                .map(address -> new Cidr(address, length));
    }
}
