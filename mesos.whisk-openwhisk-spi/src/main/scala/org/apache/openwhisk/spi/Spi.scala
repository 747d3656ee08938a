// Compile-only declaration: the binary name and signatures of OpenWhisk master 1fae641a2b30, no behaviour.
// Never shipped; the invoker supplies the real class.
package org.apache.openwhisk.spi

trait Spi
