/** OSGi integration tests and their small helpers; not exported. */
package io.mesowhisk.itest;
