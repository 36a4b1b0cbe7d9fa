from repclip.cli import main

main()
