/** New task heads placed on pretrained backbones. */
package dev.graft.model.head;
