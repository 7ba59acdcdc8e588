package com.ekspipeline.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IPv4 network in CIDR form, such as {@code 10.0.0.0/16}: parsed once when the configuration is
 * read, so the stacks use its prefix length without splitting the string again.
 *
 * @param address the network address as an unsigned 32-bit number, with no host bits set
 * @param prefix  the prefix length, 0 to 32
 */
public record Cidr(long address, int prefix) {

    private static final Pattern FORM = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");

    /** A well-formed network address (no host bits set) whose prefix is from {@code minPrefix} to {@code maxPrefix}. */
    public static Optional<Cidr> parse(final String text, final int minPrefix, final int maxPrefix) {
        final Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        long address = 0;
        for (int i = 1; i <= 4; i++) {
            final int octet = Integer.parseInt(m.group(i));
            if (octet > 255) {
                return Optional.empty();
            }
            address = (address << 8) | octet;
        }
        final int prefix = Integer.parseInt(m.group(5));
        if (prefix < minPrefix || prefix > maxPrefix) {
            return Optional.empty();
        }
        final long hostMask = prefix == 0 ? 0xFFFFFFFFL : (1L << (32 - prefix)) - 1;
        return (address & hostMask) == 0 ? Optional.of(new Cidr(address, prefix)) : Optional.empty();
    }

    /** True for any well-formed IPv4 network, such as a public endpoint's allowed range. */
    public static boolean isValid(final String text) {
        return parse(text, 0, 32).isPresent();
    }

    /** How many addresses the range holds. */
    public long size() {
        return 1L << (32 - prefix);
    }

    /** True when every address of {@code other} is in this range. */
    public boolean contains(final Cidr other) {
        return other.prefix >= prefix && (other.address & mask()) == address;
    }

    /** True when the two ranges share an address. */
    public boolean overlaps(final Cidr other) {
        return contains(other) || other.contains(this);
    }

    private long mask() {
        return prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    }

    @Override
    public String toString() {
        return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "."
                + (address & 0xFF) + "/" + prefix;
    }
}
