// Reset and entry of the emulated lx106 board (qemu-system-xtensa -M sim -cpu lx106).
//
// The lx106's reset vector is 0x50000000; QEMU's -kernel loads the ELF's segments
// where they are linked but starts the CPU there, so that address holds a jump to
// _start in instruction RAM (a `j` cannot reach 256 MB away: the address is built
// in a register). _start points a1 at the top of the 4 KiB loop stack, paints the
// stack so the board layer can read its high-water mark, and calls lx106_start().

    .section .reset_vector, "ax"
    .global _reset
_reset:
    movi a0, 0x401          // 0x40100000 >> 20: the start of instruction RAM
    slli a0, a0, 20
    jx a0

    .section .entry, "ax"
    .global _start
_start:
    j 1f
    .align 4
.Lstack_bottom: .word lx106_stack_bottom
.Lstack_top:    .word lx106_stack_top
.Lpaint:        .word 0xA5A5A5A5
.Lstart:        .word lx106_start
1:
    movi a0, 0              // no caller: a backtrace ends here
    l32r a2, .Lstack_bottom
    l32r a3, .Lstack_top
    l32r a4, .Lpaint
2:  s32i a4, a2, 0          // paint every word of the stack
    addi a2, a2, 4
    bltu a2, a3, 2b
    mov a1, a3
    l32r a8, .Lstart
    callx0 a8
3:  j 3b                    // lx106_start() exits through semihosting and never returns
