package io.mesowhisk.mesos.scheduler.internal;

/**
 * Data a Gogo command returns that prints as text: Gogo writes a {@link CharSequence} as it is, while scripts can
 * still read the record's fields. Implementations define {@link #toString()}. (The bundle does not need the shell:
 * nothing here depends on Gogo.)
 */
interface Printable extends CharSequence {

    @Override
    default int length() {
        return toString().length();
    }

    @Override
    default char charAt(int index) {
        return toString().charAt(index);
    }

    @Override
    default CharSequence subSequence(int start, int end) {
        return toString().subSequence(start, end);
    }
}
